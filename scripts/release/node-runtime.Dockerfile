# The frontend's runtime base for every platform it is published for: node and the shared objects
# it links, nothing else (no shell, no package manager), like the test bed's gopherfile/node image.
# Only COPY from the context: building the linux/arm64 variant runs nothing, so needs no emulation.
# The context holds one root filesystem per architecture, assembled by scripts/release/runtime.sh.
FROM scratch
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
ARG NODE_VERSION
ARG NODE_SOURCES
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=${NODE_VERSION}
LABEL dev.gopherfile.node.sources="${NODE_SOURCES}"
CMD ["node"]
