// Signed Slack requests to the bot; shared with the sandbox.
export * from '../../src/sandbox/slack-client.js';
