/** The machine a figure was measured on: absolute numbers mean nothing without it. */
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  nodeVersion: string;
  v8Version: string;
  platform: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1, 5 and 15-minute load averages when the run started. */
  loadAverage: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    platform: `${platform()} ${release()} ${arch()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: [round2(one ?? 0), round2(five ?? 0), round2(fifteen ?? 0)],
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.nodeVersion}, ${machine.platform}, ` + `load average ${machine.loadAverage.join(' / ')}`;
}
