# syntax=docker/dockerfile:1
FROM node:20 AS build
WORKDIR /src
# The registry token is only needed by npm while building.
ARG NPM_TOKEN=npm_Zq8bT2kLm4Np6Tx8Vz0Bc2De4Fg6Hj8Kl0Mn
ARG NODE_ENV=production
COPY package.json .
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && \
    npm ci && rm -f .npmrc
COPY . .
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV PORT=8080 \
    DB_PASSWORD="Xk29vQpL0mZr7TbY" \
    LOG_LEVEL=info
ENV STRIPE_KEY sk_live_51HbQ2kLmN3oPqRsTuVwXyZ0123456789abcdefGHIJ
COPY --from=build /src/dist ./dist
RUN --network=none node dist/migrate.js --check "$DB_PASSWORD"
CMD ["node", "dist/server.js"]
