#!/bin/busybox sh
# Respawned by busybox init. The JVM flags live in /opt/wrenn/jvm.args, shared with the AOT
# training run at image build time: the AOT cache is only used when the flags match.
# Every process the agent starts inherits its umask: 022, as in E2B's sandboxes (files 0644, directories
# 0755), stated here rather than left to whatever init passes down.
umask 022
export HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd /root
/opt/wrenn/jre/bin/java @/opt/wrenn/jvm.args -XX:AOTCache=/opt/wrenn/guest-agent.aot \
  -cp /opt/wrenn/guest-agent.jar dev.wrenn.guestagent.GuestAgent --token-state /run/wrenn/token
echo "wrenn-guest-agent exited with $?; respawning" > /dev/console
/bin/busybox sleep 1
