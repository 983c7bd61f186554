export { FileDeviceStore } from './device-store.ts';
