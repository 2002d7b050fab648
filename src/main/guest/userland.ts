import type { GuestOptions } from './guest';

/** The guest as shipped: its tools and the modules built for its kernel. */
export const defaultUserland: Omit<GuestOptions, 'interactive'> = {
  tools: [],
  modules: [],
};
