/** Wowza's error shape: `{"meta":{"status","code","title","message","description","links"}}`. */

export class WowzaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    message: string,
  ) {
    super(message);
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
