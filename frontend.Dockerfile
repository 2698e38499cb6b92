# The gopherfile frontend image: a bundled Node program speaking the LLBBridge over stdio.
# No syntax line on purpose: this file must build with the daemon's built-in Dockerfile frontend,
# because no registry may be reachable to pull docker/dockerfile.
# Base images are build args so the test bed can pass its locally made ones.
ARG NODE_BUILD_IMAGE=node:20-bookworm-slim
ARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot
# The frontend's Node flags. V8 takes a code cache only from a Node with the same flags, so the
# build stage makes frontend.cache with these too.
ARG FRONTEND_NODE_OPTIONS=--max-old-space-size=512

# The bundle is platform-independent: built once on the build platform, whatever the target
# (scripts/release.sh builds linux/amd64 and linux/arm64 without emulating either).
FROM --platform=$BUILDPLATFORM ${NODE_BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Keyed on the lock file only, so source edits never re-run the install.
RUN --mount=type=cache,id=gopherfile-npm,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts/bundle.mjs scripts/bundle.mjs
COPY schema schema
COPY src src
# The module the code cache is made on (scripts/bundle.mjs).
COPY examples/hello examples/hello
# frontend.cache serves the runtime image when its Node is the build image's (as in the test bed);
# another Node rejects it and each build's frontend takes ~40 ms longer (the timings vertex says which).
ARG FRONTEND_NODE_OPTIONS
RUN NODE_OPTIONS="$FRONTEND_NODE_OPTIONS" node scripts/bundle.mjs frontend

FROM ${NODE_RUNTIME_IMAGE}
COPY --from=build /src/dist/frontend.mjs /src/dist/frontend.cjs /src/dist/frontend.cache /gopherfile/
# BuildKit reads these labels on frontend images: the frontend needs no network, answers
# frontend methods (--call=targets|outline|check), BuildKit's subrequests, and reads named
# contexts (--build-context; buildx asks for moby.buildkit.frontend.contexts and BuildKit refuses
# a cap the label does not declare), bake targets among them as frontend inputs.
LABEL moby.buildkit.frontend.network.none="true" \
      moby.buildkit.frontend.caps="moby.buildkit.frontend.contexts,moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests" \
      org.opencontainers.image.title="gopherfile" \
      org.opencontainers.image.description="BuildKit frontend for Go projects"
ARG FRONTEND_NODE_OPTIONS
ENV NODE_OPTIONS=$FRONTEND_NODE_OPTIONS
ENTRYPOINT ["node", "/gopherfile/frontend.mjs"]
