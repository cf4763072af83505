#!/usr/bin/env python3
# Make broken copies of a 64-bit little-endian ELF object, for tests that
# feed tpbpf bad input:
#   elf_edit.py rename-section IN OUT NAME AS   section NAME gets AS's name
#                                               (AS must name another section)
#   elf_edit.py reloc-offset IN OUT SECTION OFF the first relocation of
#                                               SECTION moves to byte OFF
import struct
import sys


def sections(b):
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    out = []
    for i in range(shnum):
        off = shoff + i * shentsize
        name, typ, flags, addr, foff, size, link, info, align, entsize = \
            struct.unpack_from('<IIQQQQIIQQ', b, off)
        out.append(dict(hdr=off, name=name, type=typ, offset=foff, size=size,
                        info=info, entsize=entsize))
    strtab = out[shstrndx]
    for s in out:
        start = strtab['offset'] + s['name']
        s['str'] = b[start:b.index(b'\0', start)].decode()
    return out


def by_name(secs, name):
    for s in secs:
        if s['str'] == name:
            return s
    sys.exit('no section %s (have: %s)' % (name, ', '.join(s['str'] for s in secs)))


def main():
    cmd, src, dst = sys.argv[1:4]
    b = bytearray(open(src, 'rb').read())
    secs = sections(b)
    if cmd == 'rename-section':
        s, other = by_name(secs, sys.argv[4]), by_name(secs, sys.argv[5])
        struct.pack_into('<I', b, s['hdr'], other['name'])
    elif cmd == 'reloc-offset':
        target = secs.index(by_name(secs, sys.argv[4]))
        rels = [s for s in secs if s['type'] == 9 and s['info'] == target]  # SHT_REL
        if not rels:
            sys.exit('no relocations for ' + sys.argv[4])
        struct.pack_into('<Q', b, rels[0]['offset'], int(sys.argv[5], 0))
    else:
        sys.exit('unknown command ' + cmd)
    open(dst, 'wb').write(b)


main()
