FROM node:20@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN}
ENV PASSWORD_FILE=/run/secrets/pw
RUN --mount=type=secret,id=npmrc npm ci
