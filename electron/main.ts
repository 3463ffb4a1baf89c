// The desktop shell: one hardened window around the renderer, the application menu,
// native dialogs, and LabApi bound to IPC. Everything else is the engine in main/.
import path from 'node:path';
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, Menu, dialog, ipcMain, screen, session, shell, utilityProcess } from 'electron';
import { createLabService, type LabService } from '../main/api/labService';
import { defaultLabOptions } from '../main/api/defaultOptions';
import { allowRecentProjects, allowRoot, DESKTOP_FENCE_HINT } from '../main/api/paths';
import type { MenuCommand } from '../common/api/shellEvents';
import { DisposableStore, toDisposable } from '../common/lifecycle';
import { bindLabIpc, forwardLabEvents } from './ipc';
import { buildMenuTemplate } from './menu';
import { createElectronDialogProvider } from './dialogs';
import { createUtilityProcessLauncher } from './utilityProcessLauncher';
import { installContentSecurityPolicy } from './contentSecurityPolicy';
import { hardenWebContents, isSafeExternalUrl, isTrustedAppUrl, type TrustedOrigins } from './security';
import { fitToDisplays, loadWindowState, saveWindowState } from './windowState';
import { loadRecentFiles, saveRecentFiles, withRecentFile } from './recentFiles';
import { filesFromArgv, openedFileKind, type OpenedFileKind } from './openFiles';

/** dist/ of the built app (this file is dist/electron/main.mjs). */
const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererDir = path.join(distDir, 'renderer');
const devServerUrl = process.env['MODEL_LAB_DEV_SERVER_URL'];
const trusted: TrustedOrigins = { rendererFileUrl: pathToFileURL(rendererDir + path.sep).href, devServerOrigin: devServerUrl };

const disposables = new DisposableStore();
let mainWindow: BrowserWindow | undefined;
let service: LabService | undefined;
let rendererReady = false;
/** Files opened before the window could hear about them (macOS `open-file` fires before `ready`). */
const pendingFiles: string[] = [];
const stateFile = (): string => path.join(app.getPath('userData'), 'window-state.json');
const recentFile = (): string => path.join(app.getPath('userData'), 'recent-files.json');
let recentFiles: string[] = [];

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const file of filesFromArgv(argv, workingDirectory)) openFile(file);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openFile(file);
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { trusted, openInSystemBrowser, openDroppedFile: openFile });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && service) createWindow(service);
  });
  app.on('will-quit', () => disposables.dispose());
  app.whenReady().then(start, (error: unknown) => {
    dialog.showErrorBox('Model Lab could not start', String(error));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  installContentSecurityPolicy(session.defaultSession);
  recentFiles = loadRecentFiles(recentFile());
  // The renderer is fenced: it reaches the default folders plus what the user picks, opens
  // or drops, and the projects opened before (so one on another disk reopens after a restart).
  const options = { ...defaultLabOptions(), pathMode: 'fenced' as const, fenceHint: DESKTOP_FENCE_HINT };
  options.launcher = createUtilityProcessLauncher(utilityProcess, path.join(distDir, 'electron'));
  options.dialogs = createElectronDialogProvider(dialog, {
    window: () => mainWindow,
    picked: (paths, purpose) => {
      for (const picked of paths) allowPath(picked);
      if (purpose === 'project' || purpose === 'model') for (const picked of paths) rememberRecent(picked);
    },
  });
  const labService = await createLabService(options);
  service = labService;
  await allowRecentProjects(labService.context);
  for (const file of recentFiles) allowPath(file);
  disposables.add(toDisposable(() => labService.dispose()));
  disposables.add(bindLabIpc(ipcMain, labService, (url) => isTrustedAppUrl(url, trusted)));
  for (const file of filesFromArgv(process.argv, process.cwd())) pendingFiles.push(file);
  rebuildMenu();
  createWindow(labService);
}

function createWindow(labService: LabService): void {
  const saved = fitToDisplays(loadWindowState(stateFile()), screen.getAllDisplays().map((display) => display.workArea));
  const window = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Model Lab',
    backgroundColor: '#f5f7fa',
    webPreferences: {
      preload: path.join(distDir, 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // A dropped file becomes a file:// navigation, which security.ts stops and turns into "open this file".
      navigateOnDragDrop: true,
      // Middle-click would open links in new windows; setWindowOpenHandler denies them anyway.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  mainWindow = window;
  rendererReady = false;
  if (saved.maximized) window.maximize();
  const events = forwardLabEvents(labService, window.webContents);
  window.once('ready-to-show', () => window.show());
  window.webContents.on('did-finish-load', () => {
    rendererReady = true;
    for (const file of pendingFiles.splice(0)) openFile(file);
  });
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    saveWindowState(stateFile(), { ...bounds, maximized: window.isMaximized() });
  });
  window.on('closed', () => {
    events.dispose();
    mainWindow = undefined;
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(path.join(rendererDir, 'index.html'));
}

/** Lets the engine read a file the user chose outside the default allowed folders. */
function allowPath(file: string): void {
  if (service) allowRoot(service.context, file);
}

/** Tells the renderer to open a project, model or dataset (double-click, drop, command line). */
function openFile(file: string): void {
  if (!service || !rendererReady) {
    pendingFiles.push(file);
    return;
  }
  const kind: OpenedFileKind | undefined = isDirectory(file) ? 'dataset' : openedFileKind(file);
  if (!kind) {
    service.context.emit({ type: 'log', level: 'warn', message: `Model Lab cannot open this kind of file. Received: path=${JSON.stringify(file)}` });
    return;
  }
  allowPath(file);
  if (kind !== 'dataset') rememberRecent(file);
  service.context.emit({ type: 'app.openFile', path: file, kind });
  mainWindow?.focus();
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function rememberRecent(file: string): void {
  recentFiles = withRecentFile(recentFiles, file);
  saveRecentFiles(recentFile(), recentFiles);
  app.addRecentDocument(file);
  rebuildMenu();
}

function sendMenuCommand(command: MenuCommand, file?: string): void {
  if (!service) return;
  if (file !== undefined) allowPath(file);
  service.context.emit(file === undefined ? { type: 'menu.command', command } : { type: 'menu.command', command, path: file });
}

function rebuildMenu(): void {
  const template = buildMenuTemplate({
    command: sendMenuCommand,
    recentFiles,
    clearRecentFiles: () => {
      recentFiles = [];
      saveRecentFiles(recentFile(), recentFiles);
      app.clearRecentDocuments();
      rebuildMenu();
    },
    openDataFolder: () => {
      if (service) void shell.openPath(service.context.options.dataDir);
    },
    platform: process.platform,
    developer: !app.isPackaged,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The only place a URL leaves the app: https and mailto links, in the system browser. */
function openInSystemBrowser(url: string): void {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
}
