process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import * as sfn from '@aws-sdk/client-sfn';
import { SFNClient } from '@aws-sdk/client-sfn';
import { serve, type RunningEndpoint, type ServeOptions } from '../../src/serve/index.js';
import { ServiceError, type ServiceErrorName } from '../../src/service/errors.js';
import type { ApiTarget } from '../service/api-runner.js';

/** A server on a free loopback port and an SDK v3 client for it (dummy credentials, no `sync-` host prefix). */
export interface TestEndpoint {
  readonly endpoint: RunningEndpoint;
  readonly client: SFNClient;
  readonly url: string;
  /** DescribeExecution over HTTP once the execution is no longer RUNNING (polled every 5 ms, up to 500 times). */
  finished(executionArn: string): Promise<sfn.DescribeExecutionCommandOutput>;
  close(): Promise<void>;
}

export const dummyCredentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

export async function startEndpoint(options: ServeOptions = {}): Promise<TestEndpoint> {
  const endpoint = await serve({ port: 0, logLevel: 'silent', ...options });
  const client = new SFNClient({
    endpoint: endpoint.url,
    region: options.region ?? 'us-east-1',
    credentials: dummyCredentials,
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    url: endpoint.url,
    async finished(executionArn) {
      for (let i = 0; i < 500; i++) {
        const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
        if (described.status !== 'RUNNING') return described;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`${executionArn} still RUNNING`);
    },
    async close() {
      client.destroy();
      await endpoint.close();
    },
  };
}

/**
 * The conformance replay's target over HTTP: each command is rebuilt as the real SDK command
 * and sent through the endpoint; answers lose `$metadata`, SDK exceptions become the
 * ServiceError the in-process service would have thrown (same name and message).
 */
export async function httpApiTarget(options: { region: string; accountId: string }): Promise<ApiTarget> {
  const t = await startEndpoint(options);
  async function send(command: { input: unknown; constructor: { name: string } }): Promise<any> {
    const Command = (sfn as unknown as Record<string, new (input: unknown) => any>)[command.constructor.name];
    if (Command === undefined) throw new Error(`@aws-sdk/client-sfn has no ${command.constructor.name}`);
    try {
      const { $metadata, ...answer } = await t.client.send(new Command(command.input ?? {}));
      return answer;
    } catch (error) {
      const e = error as Error & { $fault?: string };
      if (e.$fault === undefined) throw error;
      throw new ServiceError(e.name as ServiceErrorName, e.message);
    }
  }
  return {
    send,
    describeExecution: (request) => send(new sfn.DescribeExecutionCommand(request)),
    close: () => t.close(),
  };
}
