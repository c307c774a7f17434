import { describe, expect, it } from 'vitest';
import { classify, fromErrorBody, fromThrown } from '../../src/mms/errors.js';

describe('error classification (MMS.md §2.3)', () => {
  it.each([
    ['Forbidden.RAM', 'User not authorized', 403, 'permission'],
    [undefined, 'ServiceLinkedRole not found', 400, 'permission'],
    ['NoPermission', 'x', 403, 'permission'],
    ['InvalidAccessKeyId.NotFound', 'x', 404, 'credentials'],
    ['SignatureDoesNotMatch', 'x', 400, 'credentials'],
    ['InvalidSecurityToken.Expired', 'x', 400, 'credentials'],
    ['Job.NotFound', 'x', 404, 'not-found'],
    ['NotFound', 'job 99 not found', 404, 'not-found'],
    ['Throttling.User', 'flow control', 503, 'throttled'],
    [undefined, 'Throttling: too many', 503, 'throttled'],
    [undefined, '', 429, 'throttled'],
    ['InvalidParameter.Name', 'x', 400, 'invalid'],
    ['MissingParameter', 'x', 400, 'invalid'],
    ['InternalError', 'x', 500, 'server'],
    [undefined, 'missing something upstream', 502, 'server'],
    [undefined, '', 418, 'invalid'],
  ] as const)('%s / %s / %s → %s', (code, message, status, kind) => {
    expect(classify(code, message, status)).toBe(kind);
  });

  it('reads both error shapes and keeps the request id', () => {
    const gw = fromErrorBody('GetMmsJob', 403, {
      Code: 'Forbidden.RAM',
      Message: 'no',
      RequestId: 'R1',
      Recommend: 'u',
    });
    expect([gw.kind, gw.code, gw.requestId]).toEqual(['permission', 'Forbidden.RAM', 'R1']);
    const be = fromErrorBody('GetMmsJob', 404, {
      requestId: 'R2',
      httpCode: 404,
      errorCode: 'NotFound',
      errorMsg: 'job 9',
    });
    expect([be.kind, be.code, be.requestId]).toEqual(['not-found', 'NotFound', 'R2']);
  });

  it('an error message of "null" is no message: the code and status still explain it', () => {
    const e = fromErrorBody('GetMmsJob', 404, {
      requestId: 'null',
      httpCode: 404,
      errorCode: 'NotFound',
      errorMsg: 'null',
      message: 'job 9 not found',
    });
    expect([e.kind, e.code, e.requestId, e.message]).toEqual([
      'not-found',
      'NotFound',
      undefined,
      'GetMmsJob: job 9 not found',
    ]);
    const bare = fromErrorBody('StopMmsJob', 500, { errorCode: ' ', errorMsg: 'null' });
    expect([bare.kind, bare.code, bare.message]).toEqual(['server', undefined, 'StopMmsJob: HTTP 500']);
  });

  it('masks secrets that an error message echoes', () => {
    const e = fromErrorBody('GetMmsDataSource', 400, {
      Code: 'InvalidParameter',
      Message: 'bad key LTAI5tQ8nR2vX7mK9pW3bJ6d',
    });
    expect(e.message).not.toContain('LTAI5tQ8nR2vX7mK9pW3bJ6d');
  });

  it('turns socket faults into network errors', () => {
    expect(
      fromThrown('ListMmsJobs', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
        .kind,
    ).toBe('network');
    expect(fromThrown('ListMmsJobs', Object.assign(new Error('x'), { name: 'FormatError' })).kind).toBe(
      'server',
    );
  });
});
