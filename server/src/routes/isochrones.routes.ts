import { Router } from 'express';
import { z } from 'zod';
import { ROUTING_PROFILES } from '../contracts';
import type { isochronesService } from '../services/isochrones.service';
import { Lat, Lng } from './validation';

/** `minutes=5,10,15`: up to six bands of 1–60 minutes, returned smallest first. */
export const MinutesList = z
  .string()
  .transform((value, ctx) => {
    const parts = value.split(',').map((p) => p.trim());
    const minutes = parts.map(Number);
    if (!parts.length || minutes.some((m) => !Number.isInteger(m) || m < 1 || m > 60)) {
      ctx.addIssue({
        code: 'custom',
        message: 'minutes must be whole numbers from 1 to 60, comma-separated, e.g. 5,10,15',
      });
      return z.NEVER;
    }
    const unique = [...new Set(minutes)].sort((a, b) => a - b);
    if (unique.length > 6) {
      ctx.addIssue({ code: 'custom', message: 'at most six bands' });
      return z.NEVER;
    }
    return unique;
  })
  .meta({ description: 'comma-separated minutes, e.g. 5,10,15', example: '5,10,15' });

export const IsochronesQuery = z.strictObject({
  lng: Lng,
  lat: Lat,
  mode: z.enum(ROUTING_PROFILES).default('walk'),
  minutes: MinutesList.default([5, 10, 15]),
});

export function isochronesRoutes(service: ReturnType<typeof isochronesService>) {
  const router = Router();
  router.get('/isochrones', async (req, res) => {
    res.json(await service.from(IsochronesQuery.parse(req.query)));
  });
  return router;
}
