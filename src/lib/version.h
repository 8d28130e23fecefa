#ifndef BWK_VERSION_H
#define BWK_VERSION_H
#define BULWARK_VERSION	"0.1.0"
#endif
