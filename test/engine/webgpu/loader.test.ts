/**
 * Loading the webgpu backend (issue 9): adapters are classified hardware or software, `auto` never
 * takes a software one, a named `webgpu` takes any, and the backend lands in the engine's tfjs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { tf } from '../../../src-main/engine/tf';
import {
  adapterType,
  describeAdapter,
  loadWebgpuBackend,
  probeWebgpu,
  type AdapterInfoLike,
} from '../../../src-main/engine/webgpu';
import { skipWithoutSoftwareAdapter, useSoftwareAdapter } from './software-adapter';

describe('adapter classification', () => {
  it.each<[string, AdapterInfoLike]>([
    ['NVIDIA (Vulkan)', { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' }],
    ['AMD (RADV)', { vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' }],
    ['Apple (Metal)', { vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' }],
    ['Intel (D3D12)', { vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' }],
    ['a driver that says little', { vendor: '', architecture: '', device: '', description: '' }],
  ])('%s is hardware', (_, info) => {
    expect(adapterType(info)).toBe('hardware');
  });

  it.each<[string, AdapterInfoLike]>([
    [
      'lavapipe as Dawn reports it',
      {
        vendor: 'mesa',
        architecture: 'software',
        device: 'llvmpipe-llvm-15-0-6-256-bits-',
        description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
        isFallbackAdapter: true,
      },
    ],
    ['lavapipe without the fallback flag', { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }],
    ['SwiftShader', { vendor: 'google', device: 'swiftshader', description: 'SwiftShader Device (Subzero)' }],
    ['WARP', { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }],
    ['a fallback adapter', { vendor: 'nvidia', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: true }],
    ['adapter type CPU', { vendor: 'unknown', description: 'Some adapter', type: 'CPU' }],
  ])('%s is software', (_, info) => {
    expect(adapterType(info)).toBe('software');
  });

  it('names the adapter by its description, else its device, else its vendor', () => {
    expect(describeAdapter({ vendor: 'amd', device: 'navi31', description: 'AMD Radeon' }).name).toBe('AMD Radeon');
    expect(describeAdapter({ vendor: 'amd', device: 'navi31', description: '' }).name).toBe('navi31');
    expect(describeAdapter({ vendor: 'amd' })).toEqual({
      name: 'amd',
      vendor: 'amd',
      architecture: '',
      type: 'hardware',
    });
  });
});

describe.skipIf(skipWithoutSoftwareAdapter('webgpu loader'))('loading webgpu on the software adapter', () => {
  let cleanup = () => {};
  beforeAll(() => {
    cleanup = useSoftwareAdapter();
  });
  afterAll(async () => {
    await selectBackend('cpu');
    cleanup();
  });

  it('finds lavapipe and reports it as software', async () => {
    const probe = await probeWebgpu();
    expect(probe).toMatchObject({ ok: true, adapter: { type: 'software', vendor: 'mesa' } });
    if (probe.ok) expect(probe.adapter.name).toMatch(/llvmpipe/);
  });

  it('auto does not pick a software adapter', async () => {
    await selectBackend('cpu');
    expect(await loadWebgpuBackend({ allowSoftware: false })).toBeNull();
    expect(tf.getBackend()).toBe('cpu');
    const auto = await selectBackend('auto');
    expect(auto.name).not.toBe('webgpu');
    expect(auto.adapter).toBeUndefined();
  });

  it('backend "webgpu" takes it, inside the engine\'s own tfjs', async () => {
    const info = await selectBackend('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', adapter: { type: 'software' } });
    expect(info.detail).toContain('software adapter');
    expect(tf.getBackend()).toBe('webgpu');
    expect(tf.engine().registryFactory.webgpu).toBeDefined();
    expect(tf.getKernelsForBackend('webgpu').length).toBeGreaterThan(100);
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    expect(tf.backend()).toBeInstanceOf(WebGPUBackend);
  });

  it('a second load reuses the device, and auto still passes over it afterwards', async () => {
    const first = tf.backend();
    await selectBackend('wasm');
    expect((await selectBackend('webgpu')).name).toBe('webgpu');
    expect(tf.backend()).toBe(first);
    expect((await selectBackend('auto')).name).not.toBe('webgpu');
  });
});
