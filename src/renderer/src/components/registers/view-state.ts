import { ref } from 'vue';
import type { AccessSize } from './model';
import type { ValueFormat } from './value';

/** The register table's choices, kept while the window lives (the tab unmounts the view). */
export const valueFormat = ref<ValueFormat>('hex');
export const dmaAccessSize = ref<AccessSize>(8);
