/** The deployed PAU + Configurator Unit shared by the PAU and configurator tests. */
import { parseUnits } from 'viem'
import { deployLocalStack, type LocalStack } from '../../../src/chain/deploy/deployLocalStack.js'
import { SORL_DEFAULTS } from '../../../src/domain/sorl.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const DELAY = SORL_DEFAULTS.timelockDelaySeconds
export const HOP = SORL_DEFAULTS.hopSeconds
export const usd = (amount: string) => parseUnits(amount, 18)

export type Stack = LocalStack
export const deployStack = (devnet: Devnet): Promise<Stack> => deployLocalStack(devnet, devnet.accounts)
