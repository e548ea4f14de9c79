// Catalog ids are URL path segments (`/api/v1/events/<id>`, `/hls/vod/<id>/…`): lowercase
// ASCII, digits and dashes, at most 80. Shared so the seed file, the API's parameters and the ids
// the back office makes all obey one rule.
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;
