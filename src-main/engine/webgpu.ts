/**
 * The WebGPU backend in plain Node, through Dawn (the `webgpu` package) — issue 9.
 *
 * Dawn reaches any GPU through Vulkan, Metal or Direct3D 12, where tfjs-node-gpu serves only CUDA 11.2.
 * Order matters: `navigator.gpu` must exist before `@tensorflow/tfjs-backend-webgpu` is imported (it
 * registers itself only if it finds one then). We request the adapter and device ourselves, with
 * timeouts, so a driver that never answers cannot hang a run, and so the adapter we classified is
 * the one that computes.
 *
 * Hazards for engine code that must run here (research/toolchain.md): `dataSync()`/`arraySync()`
 * throw on GPU tensors in Node (read with `await t.data()`), and a batched matMul that broadcasts
 * both operands fails (broadcast explicitly first).
 */
import type { AdapterType, BackendInfo, GpuAdapter } from './backend-info';
import { tf } from './tf';

export type { AdapterType, GpuAdapter } from './backend-info';

/** The fields of a WebGPU adapter's info that tell hardware from software (all optional across drivers). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Dawn's adapter type where exposed: "discrete GPU", "integrated GPU", "CPU", "unknown". */
  type?: string;
  isFallbackAdapter?: boolean;
}

export interface WebgpuOptions {
  /** Accept a software or fallback adapter (lavapipe, SwiftShader, WARP): tests and CI do; `auto` never does. */
  allowSoftware: boolean;
  /** Longest wait for each GPU request (adapter, device). @default 20000 */
  timeoutMs?: number;
}

/** The adapter Dawn offers, before any device is made on it. */
interface FoundAdapter {
  adapter: GPUAdapter;
  info: GPUAdapterInfo;
  summary: GpuAdapter;
}

/** An adapter with its device, kept for the life of the process (one device serves every run). */
interface OpenGpu extends FoundAdapter {
  device: GPUDevice;
}

export type WebgpuProbe = { ok: true; adapter: GpuAdapter } | { ok: false; reason: string };

const DEFAULT_TIMEOUT_MS = 20_000;

/** Drivers that rasterise on the CPU: Mesa's lavapipe/llvmpipe/softpipe, Google's SwiftShader, Microsoft's WARP. */
const SOFTWARE_RENDERER = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/**
 * The device limits the tfjs WebGPU kernels are written against; WebGPU's defaults (e.g. 128 MiB
 * storage bindings) are smaller than most adapters offer, so ask for what the adapter has.
 */
const TFJS_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

// Dawn is loaded and asked once per process; a failure is kept as its reason.
let found: Promise<FoundAdapter | string> | null = null;
let opened: Promise<OpenGpu | string> | null = null;
/** The device tfjs's `webgpu` backend was registered on, so a reopened device replaces it. */
let registeredDevice: GPUDevice | null = null;

/** Hardware or software, from whatever the driver reports; any software sign wins. */
export function adapterType(info: AdapterInfoLike): AdapterType {
  if (info.isFallbackAdapter) return 'software';
  if (/\bcpu\b|software/i.test(`${info.type ?? ''} ${info.architecture ?? ''}`)) return 'software';
  const text = `${info.vendor ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return SOFTWARE_RENDERER.test(text) ? 'software' : 'hardware';
}

/** The summary stored with a run. */
export function describeAdapter(info: AdapterInfoLike): GpuAdapter {
  const name = info.description || info.device || info.vendor || 'unnamed adapter';
  return { name, vendor: info.vendor ?? '', architecture: info.architecture ?? '', type: adapterType(info) };
}

/** Finds the WebGPU adapter (if any) without making a device or touching tfjs. */
export async function probeWebgpu(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<WebgpuProbe> {
  const gpu = await findAdapter(timeoutMs);
  return typeof gpu === 'string' ? { ok: false, reason: gpu } : { ok: true, adapter: gpu.summary };
}

/**
 * Makes tfjs's `webgpu` backend current on this process's adapter. Resolves null (never throws,
 * never hangs) when there is no adapter, the adapter is software and `allowSoftware` is off, or
 * the backend cannot start. A refused adapter gets no device.
 */
export async function loadWebgpuBackend(options: WebgpuOptions): Promise<BackendInfo | null> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const candidate = await findAdapter(timeoutMs);
  if (typeof candidate === 'string') return null;
  if (candidate.summary.type === 'software' && !options.allowSoftware) return null;
  const gpu = await openDevice(candidate, timeoutMs);
  if (typeof gpu === 'string' || !(await registerBackend(gpu))) return null;
  try {
    if (!(await tf.setBackend('webgpu'))) return null;
  } catch {
    return null;
  }
  const { name, type } = gpu.summary;
  return { name: 'webgpu', detail: `webgpu (Dawn, ${type} adapter: ${name})`, adapter: gpu.summary };
}

function findAdapter(timeoutMs: number): Promise<FoundAdapter | string> {
  found ??= requestAdapter(timeoutMs).catch(reasonOf);
  return found;
}

function openDevice(candidate: FoundAdapter, timeoutMs: number): Promise<OpenGpu | string> {
  opened ??= requestDevice(candidate, timeoutMs).catch(reasonOf);
  return opened;
}

async function requestAdapter(timeoutMs: number): Promise<FoundAdapter | string> {
  const gpu = await installNavigatorGpu();
  // tfjs-backend-webgpu asks for the high-performance adapter too: on a laptop, the discrete GPU.
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs, 'adapter');
  if (!adapter) return 'no WebGPU adapter (no Vulkan, Metal or Direct3D 12 driver that Dawn can use)';
  const info = adapter.info;
  // Older WebGPU put isFallbackAdapter on the adapter, newer on its info.
  const picked = pickInfo(info);
  picked.isFallbackAdapter ||= (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { adapter, info, summary: describeAdapter(picked) };
}

async function requestDevice(candidate: FoundAdapter, timeoutMs: number): Promise<OpenGpu | string> {
  const { adapter } = candidate;
  const requiredLimits = Object.fromEntries(TFJS_LIMITS.map((key) => [key, adapter.limits[key]]));
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await withTimeout(adapter.requestDevice({ requiredLimits, requiredFeatures }), timeoutMs, 'device');
  // A lost device (driver reset, GPU removed) is not reused, and its adapter cannot make another:
  // the next load starts over.
  void device.lost.then(() => {
    found = null;
    opened = null;
  });
  return { ...candidate, device };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** GPUAdapterInfo's fields live on its prototype (Dawn), so spread would copy nothing. */
function pickInfo(info: GPUAdapterInfo): AdapterInfoLike {
  const raw = info as unknown as Record<string, unknown>;
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description'),
    type: text('type'),
    isFallbackAdapter: raw.isFallbackAdapter === true,
  };
}

/** Puts Dawn's `GPU` at `navigator.gpu` (and its classes on globalThis), as a browser would. */
async function installNavigatorGpu(): Promise<GPU> {
  const scope = globalThis as { navigator?: { gpu?: GPU } };
  if (scope.navigator?.gpu) return scope.navigator.gpu;
  // dawn.node ships for linux-x64/arm64, darwin and win32; elsewhere, or without its system libraries, it cannot load.
  const webgpu = await import('webgpu').catch((e: unknown) => {
    throw new Error(`the webgpu package (Dawn) cannot load here: ${reasonOf(e)}`);
  });
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  // Node 20 has no `navigator`; Node 21+ and Electron have one without `gpu`.
  if (!scope.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

/**
 * Imports tfjs-backend-webgpu (its kernels register into the tfjs engine shared through the global
 * namespace) and points the `webgpu` backend at our device instead of the package's own factory,
 * which would request an adapter again without a timeout.
 */
async function registerBackend(gpu: OpenGpu): Promise<boolean> {
  const webgpuBackend = await importOrNull(() => import('@tensorflow/tfjs-backend-webgpu'));
  if (!webgpuBackend) return false;
  if (registeredDevice === gpu.device) return true;
  // The package registers its kernels on import (its factory too, if navigator.gpu existed then):
  // if our tfjs cannot see the kernels, the package loaded a tfjs-core that is not our engine's.
  if (tf.getKernelsForBackend('webgpu').length === 0) return false;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  const { device, info } = gpu;
  if (!tf.registerBackend('webgpu', () => new webgpuBackend.WebGPUBackend(device, info), 3)) return false;
  registeredDevice = device;
  return true;
}

/** An optional module, or null when it cannot load here. */
async function importOrNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch {
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the WebGPU ${what} request did not answer within ${ms} ms`)), ms);
    // A pending request must not keep the process alive on its own.
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
