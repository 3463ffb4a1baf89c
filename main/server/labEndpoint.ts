import type { LabService } from '../api/labService';

/** The part of `LabService` a transport needs: validated calls and the event stream. */
export type LabEndpoint = Pick<LabService, 'invoke' | 'onEvent'>;
