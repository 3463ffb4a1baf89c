/** Vue Flow store id of the Design view's canvas, shared by the canvas and the commands that zoom it. */
export const DESIGN_CANVAS_ID = 'design-canvas';
