/** Wowza's error shape: `{"meta":{"status","code","title","message","description","links"}}`. */
import { CompatRefusal } from '../compat-refusal.js';

/** A refusal with Wowza's error code and title besides the status and message. */
export class WowzaError extends CompatRefusal {
  constructor(
    status: number,
    readonly code: string,
    readonly title: string,
    message: string,
  ) {
    super(status, message);
  }

  body(): { meta: Record<string, unknown> } {
    return {
      meta: {
        status: this.status,
        code: this.code,
        title: this.title,
        message: this.message,
        description: '',
        links: [],
      },
    };
  }
}

export const invalidParameter = (message: string) =>
  new WowzaError(422, 'ERR-422-InvalidParameter', 'Invalid Parameter Error', message);

export const recordNotFound = () =>
  new WowzaError(
    404,
    'ERR-404-RecordNotFound',
    'Record Not Found Error',
    "The requested resource couldn't be found.",
  );
