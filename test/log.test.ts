import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { MmsError } from '../src/mms/errors.js';

const AK = 'LTAI5tQ8nR2vX7mK9pW3bJ6d';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('debug', { write: (l: string) => void lines.push(l) }) };
}

describe('logger redaction', () => {
  it('masks secret paths, secret-looking keys at any depth, LTAI ids and JSON in strings', () => {
    const { lines, logger } = capture();
    logger.info({
      token: 'xoxb-secret-token',
      source: {
        config: [{ key: 'hive.metastore.password', value: 'pw-123' }],
        extra: JSON.stringify({ secret: 's-9' }),
      },
      note: `key ${AK} used`,
    });
    logger.warn(`free text with ${AK} and password=hunter2`);
    const out = lines.join('\n');
    for (const s of ['xoxb-secret-token', 'pw-123', 's-9', AK, 'hunter2']) expect(out).not.toContain(s);
    expect(out).toContain('********');
  });

  it('masks secrets inside logged errors', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error(`auth failed for ${AK}`) }, 'boom');
    logger.error({ err: new MmsError('credentials', `bad ${AK}`, { action: 'GetMmsJob' }) }, 'mms');
    expect(lines.join('\n')).not.toContain(AK);
  });
});
