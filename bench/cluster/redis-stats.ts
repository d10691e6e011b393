/** Readings of Redis's own counters (INFO cpu, stats and commandstats) for what a cluster run cost it. */

/** CPU time of the whole redis-server (user + sys), in µs. */
export function redisCpuUs(info: string): number {
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1e6;
}

/** Calls per command name. */
export function commandStats(info: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

/** "name calls (µs inside Redis)", costliest first. */
export function commandTimes(info: string): string {
  const rows = [...info.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)].map((m) => [m[1]!, Number(m[2]), Number(m[3])] as const);
  return rows
    .sort((a, b) => b[2] - a[2])
    .map(([name, calls, usec]) => `${name} ${calls} (${usec} µs)`)
    .join(', ');
}

/** Bytes Redis received and sent. */
export function networkBytes(info: string): number {
  return Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? 0) + Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1] ?? 0);
}
