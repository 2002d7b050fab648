import { contextBridge } from 'electron';

// The renderer's only door to the main process. The LabApi arrives with the hosts issue; for now the
// bridge says which host the renderer runs in.
contextBridge.exposeInMainWorld('lab', Object.freeze({ host: 'electron' as const }));
