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
CMD ["node", "runtime-api/dist/server.js"]
