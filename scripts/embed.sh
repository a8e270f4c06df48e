#!/bin/sh
# Turns a text file into a C string constant: embed.sh NAME FILE > NAME.h
set -eu
name=$1
file=$2
printf '/* Generated from %s by scripts/embed.sh; do not edit. */\n' "$file"
printf 'static const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$file"
printf ';\n'
