# syntax=docker/dockerfile:1
FROM node:20 AS build
WORKDIR /src
# The registry token is only needed by npm while building.
# NPM_TOKEN: a build secret now (hoist moved the value to Secrets Manager): docker build --secret id=NPM_TOKEN,env=NPM_TOKEN
ARG NODE_ENV=production
COPY package.json .
RUN --mount=type=secret,id=NPM_TOKEN,required=true NPM_TOKEN="$(cat /run/secrets/NPM_TOKEN)" && export NPM_TOKEN && echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && \
    npm ci && rm -f .npmrc
COPY . .
RUN npm run build

FROM node:20-slim
WORKDIR /app
# DB_PASSWORD: given at run time (hoist moved the value to Secrets Manager)
ENV PORT=8080 \
    LOG_LEVEL=info
# STRIPE_KEY: given at run time (hoist moved the value to Secrets Manager)
COPY --from=build /src/dist ./dist
RUN --mount=type=secret,id=DB_PASSWORD,required=true --network=none DB_PASSWORD="$(cat /run/secrets/DB_PASSWORD)" && export DB_PASSWORD && node dist/migrate.js --check "$DB_PASSWORD"
CMD ["node", "dist/server.js"]
