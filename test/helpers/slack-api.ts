// The Slack Web API stand-in lives with the sandbox, which uses it too.
export * from '../../src/sandbox/slack-standin.js';
