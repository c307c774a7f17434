// Two error shapes, as MMS.md §2.3 guesses them: the API gateway's (Code/Message/HostId/Recommend) for
// protocol and credential problems, the MMS backend's (errorCode/errorMsg/httpCode) for everything else.

export type ErrorShape = 'gateway' | 'backend';

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly shape: ErrorShape = 'backend',
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export const notFound = (what: string): SimError => new SimError(404, 'NotFound', `${what} not found`);

export const invalid = (message: string, code = 'InvalidParameter'): SimError =>
  new SimError(400, code, message);

export const gatewayError = (status: number, code: string, message: string): SimError =>
  new SimError(status, code, message, 'gateway');

export function errorBody(err: SimError, requestId: string, hostId: string): Record<string, unknown> {
  if (err.shape === 'gateway') {
    return {
      RequestId: requestId,
      HostId: hostId,
      Code: err.code,
      Message: err.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=MaxCompute&requestId=${requestId}`,
    };
  }
  return { requestId, httpCode: err.status, errorCode: err.code, errorMsg: err.message };
}
