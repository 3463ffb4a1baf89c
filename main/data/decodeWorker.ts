/**
 * Worker thread entry of the image decode pool (decodePool.ts): decodes and preprocesses
 * one image file per `DecodeRequest` with the same code the main thread would run, and
 * answers with the pixels (written into the request's shared target, or in memory that is
 * transferred, not copied) or the error.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../common/errors';
import type { DecodeReply, DecodeRequest } from './decodeProtocol';
import { preprocessImageBytes } from './preprocess';

const port = parentPort;
if (port) {
  port.on('message', (request: DecodeRequest) => {
    void preprocessImageBytes(request.file, request.preprocessing, request.file, request.target).then(
      ({ pixels, originalWidth, originalHeight, channelSums }) => {
        if (request.target) {
          const reply: DecodeReply = { id: request.id, originalWidth, originalHeight, ...(channelSums ? { channelSums } : {}) };
          port.postMessage(reply);
          return;
        }
        // Only a buffer the pixels fill alone can be handed over without copying.
        const own = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
        const reply: DecodeReply = { id: request.id, pixels: own, originalWidth, originalHeight, ...(channelSums ? { channelSums } : {}) };
        port.postMessage(reply, [own.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        const reply: DecodeReply = { id: request.id, error: serializeError(error) };
        port.postMessage(reply);
      },
    );
  });
}
