#!/usr/bin/env node
// Renders the Model Lab icon (an SVG drawn here: three stacked feature maps feeding a
// neuron) to the PNGs electron-builder and the page need. The outputs are committed;
// run this again only when the drawing changes.
//   build/icon.png                 1024×1024, electron-builder derives .icns and .ico from it
//   build/icons/<size>x<size>.png  Linux icon set
//   renderer/public/favicon.png    64×64 for the page
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1c3d72"/>
      <stop offset="1" stop-color="#2f6fd0"/>
    </linearGradient>
  </defs>
  <rect x="48" y="48" width="928" height="928" rx="200" fill="url(#bg)"/>
  <g stroke="#0d2244" stroke-width="10">
    <rect x="180" y="300" width="300" height="300" rx="28" fill="#9cc3ff"/>
    <rect x="230" y="350" width="300" height="300" rx="28" fill="#c4dbff"/>
    <rect x="280" y="400" width="300" height="300" rx="28" fill="#ffffff"/>
  </g>
  <g fill="#2f6fd0">
    <rect x="320" y="440" width="60" height="60" rx="8"/><rect x="400" y="440" width="60" height="60" rx="8" opacity="0.6"/>
    <rect x="480" y="440" width="60" height="60" rx="8" opacity="0.3"/><rect x="320" y="520" width="60" height="60" rx="8" opacity="0.45"/>
    <rect x="400" y="520" width="60" height="60" rx="8"/><rect x="480" y="520" width="60" height="60" rx="8" opacity="0.75"/>
    <rect x="320" y="600" width="60" height="60" rx="8" opacity="0.2"/><rect x="400" y="600" width="60" height="60" rx="8" opacity="0.5"/>
    <rect x="480" y="600" width="60" height="60" rx="8"/>
  </g>
  <g stroke="#ffd43b" stroke-width="22" stroke-linecap="round">
    <line x1="600" y1="470" x2="760" y2="550"/><line x1="600" y1="550" x2="760" y2="550"/><line x1="600" y1="630" x2="760" y2="550"/>
  </g>
  <circle cx="790" cy="550" r="62" fill="#ffd43b" stroke="#0d2244" stroke-width="10"/>
</svg>`;

async function render(size, file) {
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(svg), { density: 72 * (size / 1024) * 4 }).resize(size, size).png({ compressionLevel: 9 }).toFile(file);
  console.log(`${path.relative(root, file)} (${size}×${size})`);
}

await render(1024, path.join(root, 'build', 'icon.png'));
for (const size of [16, 32, 48, 64, 128, 256, 512]) await render(size, path.join(root, 'build', 'icons', `${size}x${size}.png`));
await render(64, path.join(root, 'renderer', 'public', 'favicon.png'));
