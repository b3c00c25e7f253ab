# Poolflow runtime-api image: installs from the lockfile, builds the workspaces, serves the API.
FROM node:20-slim

WORKDIR /app
# The whole repository: the runtime reads templates/ and serves the designer build at run time.
COPY . .
# Dev dependencies are needed to build (TypeScript), so NODE_ENV=production is set only afterwards.
RUN npm ci && npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
USER node
EXPOSE 3000
# A 64 MB young generation (V8's default is 16): a sweep batch's rows outlive several small collections,
# and copying them was most of the sweep's garbage-collection time (measured: about half as much GC).
CMD ["node", "--max-semi-space-size=64", "runtime-api/dist/server.js"]
