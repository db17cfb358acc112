export { ApiError, apiUrl, getJson, sendJson, setSessionHooks, type Bbox, type SessionHooks } from './client';
export { login, logout, fetchMe, fetchTokens, createToken, revokeToken } from './auth';
export { fetchUsers, createUser, updateUser } from './users';
export { fetchConfig } from './config';
export { fetchRegions } from './regions';
export { fetchGrids } from './grids';
export { fetchZones } from './zones';
export {
  fetchStations,
  fetchNearestStations,
  fetchReachableStations,
  type NearestStationsQuery,
  type ReachableStationsQuery,
} from './stations';
export { fetchHere } from './here';
export { fetchCoverage, type CoverageQuery } from './coverage';
export { fetchIsochrones, type IsochronesQuery } from './isochrones';
export { fetchBasemap } from './basemap';
