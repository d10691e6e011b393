/**
 * The `sync-` host prefix: the service model gives StartSyncExecution and TestState
 * `endpoint.hostPrefix: "sync-"`, so SDKs send them to `sync-<host>` even for a custom
 * endpoint, and `sync-localhost` / `sync-127.0.0.1` do not resolve. The server answers any
 * Host; clients need one of these switches (botocore 1.43 reads the environment variable and
 * the config key; the JavaScript SDK v3 only its client option).
 */
export function hostPrefixAdvice(url: string): string {
  const { hostname, port } = new URL(url);
  const loopback = hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
  const hostsName = loopback ? 'localhost' : hostname;
  const hostsEndpoint = `http://${hostsName}${port === '' ? '' : `:${port}`}`;
  return [
    'StartSyncExecution and TestState: SDKs send them to sync-<host>, which does not resolve locally. Pick one:',
    `  SDK for JavaScript v3:  new SFNClient({ endpoint: '${url}', disableHostPrefix: true })`,
    '  boto3:                  boto3.client("stepfunctions", endpoint_url=..., config=Config(inject_host_prefix=False))',
    '  AWS CLI, boto3:         AWS_DISABLE_HOST_PREFIX_INJECTION=true (or disable_host_prefix_injection = true in ~/.aws/config)',
    `  any client:             add "${loopback ? '127.0.0.1' : '<address>'} sync-${hostsName}" to /etc/hosts and use the endpoint ${hostsEndpoint}`,
  ].join('\n');
}
