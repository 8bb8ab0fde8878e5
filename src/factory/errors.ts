import { BaseError } from '../domain/errors.js'

export class FactoryError extends BaseError {
  override name = 'FactoryError'
  override readonly code: string = 'FACTORY_FAILED'
}
