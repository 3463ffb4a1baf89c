// The window's only door to the lab: the LabApi client (one function per method of the
// table plus `onEvent`) and `labFiles.pathForFile`, nothing else of Node or Electron.
// Sandboxed preloads may only require 'electron'; everything else here is bundled.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createLabBridge } from './labBridge';
import { createLabFiles } from './labFiles';

contextBridge.exposeInMainWorld('lab', createLabBridge(ipcRenderer));
// Dropped files need their real paths, which only the preload's webUtils knows: one pure function, not a second API.
contextBridge.exposeInMainWorld('labFiles', createLabFiles(webUtils));
