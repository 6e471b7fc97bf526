import { contextBridge } from 'electron';

/** The only bridge between renderer and main: a small typed object, no generic send. */
contextBridge.exposeInMainWorld('desktop', { platform: process.platform });
