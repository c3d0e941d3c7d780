/**
 * The fake upstream on a worker thread of its own, for figures where the upstream's own CPU would
 * otherwise count against the app: in production TMDB, MusicBrainz and the Cover Art Archive do not
 * share our event loop. Used where the bench needs no request log (the log stays in the thread).
 */
import { once } from 'node:events';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { FakeUpstream, type FakeUpstreamSettings } from '../test/fake-upstream/fake-upstream.js';

export interface ThreadedFakeUpstream {
  /** As FakeUpstream.env(): the app's configuration pointing at the thread's server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startThreadedFakeUpstream(
  settings: Partial<FakeUpstreamSettings>,
): Promise<ThreadedFakeUpstream> {
  const worker = new Worker(new URL(import.meta.url), { workerData: settings });
  const [env] = (await once(worker, 'message')) as [Record<string, string>];
  return { env, stop: () => worker.terminate().then(() => undefined) };
}

if (!isMainThread && parentPort) {
  const fake = await FakeUpstream.start(workerData as Partial<FakeUpstreamSettings>);
  parentPort.postMessage(fake.env());
}
