// The bot's listeners, registered with Bolt once per kind. Bolt runs the middleware chain of every
// registered listener for every request, whatever it is, so listeners registered one per action id cost each
// request a chain apiece; here actions are routed by action_id behind a single Bolt listener. Each
// listener's promise is kept until it settles, so stop() can let work that follows an ack finish.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';

type Run<A> = (args: A & AllMiddlewareArgs) => Promise<void>;
export type ActionListener<A extends BlockAction = BlockAction> = Run<SlackActionMiddlewareArgs<A>>;

interface Route {
  id: string | RegExp;
  run: ActionListener;
}

export class Listeners {
  private readonly running = new Set<Promise<void>>();
  private readonly routes: Route[] = [];

  constructor(private readonly app: App) {
    app.action<BlockAction>(
      { type: 'block_actions' },
      this.tracked(async (args) => {
        const id = args.action.action_id;
        const route = this.routes.find((r) => (typeof r.id === 'string' ? r.id === id : r.id.test(id)));
        // A button the bot does not know (from an older version, or another app's): acked, nothing runs.
        if (!route) return void (await args.ack());
        await route.run(args);
      }),
    );
  }

  command(name: string, run: Run<SlackCommandMiddlewareArgs>): void {
    this.app.command(name, this.tracked(run));
  }

  /** The listener of the block actions whose action_id is `id` (or matches it); the first added wins. */
  action<A extends BlockAction>(id: string | RegExp, run: ActionListener<A>): void {
    this.routes.push({ id, run: run as unknown as ActionListener });
  }

  view<V extends SlackViewAction>(callbackId: string, run: Run<SlackViewMiddlewareArgs<V>>): void {
    this.app.view<V>(callbackId, this.tracked(run));
  }

  event<E extends string>(type: E, run: Run<SlackEventMiddlewareArgs<E>>): void {
    this.app.event(type, this.tracked(run));
  }

  /** Settles once every listener running now has finished, whether it succeeded or not. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.running]);
  }

  private tracked<A>(run: (args: A) => Promise<void>): (args: A) => Promise<void> {
    return (args) => {
      const p = run(args);
      this.running.add(p);
      const done = () => void this.running.delete(p);
      p.then(done, done);
      return p;
    };
  }
}
