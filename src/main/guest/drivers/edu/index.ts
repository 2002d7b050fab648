export { eduModule, EDU_MODULE_PARAMS } from './module';
export * from './uapi';
