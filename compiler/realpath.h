/*
 * realpath.h - stagec_realpath(), shared by the library and the drivers.
 */
#ifndef STAGEC_REALPATH_H
#define STAGEC_REALPATH_H

/* realpath(), with the last folders it resolved remembered (realpath.c). */
char *stagec_realpath(const char *path, char *resolved);

#endif
