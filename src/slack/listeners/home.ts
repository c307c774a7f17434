// App Home: the Home tab shows what the workspace watches; rendered by the watcher's home view.
import type { View } from '@slack/types';
import type { Logger } from '../../log.js';
import type { Listeners } from './listeners.js';

export interface HomeDeps {
  logger: Logger;
  /** The Home tab for one user. */
  view(user: string): Promise<View>;
}

export function registerHome(on: Listeners, d: HomeDeps): void {
  on.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    try {
      await client.views.publish({ user_id: event.user, view: await d.view(event.user) });
    } catch (err) {
      d.logger.warn({ err }, 'cannot publish the Home tab');
    }
  });
}
