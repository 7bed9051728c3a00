#!/usr/bin/env python3
"""Copy a GGUF file, adding the tokenizer.ggml.* keys of another one (llama.cpp refuses files without them).

    /usr/bin/python3 bench/scripts/add-tokenizer.py IN.gguf ../shared/models/stories260K.gguf OUT.gguf

For benchmarking against llama.cpp only: `scale` writes files whose vocabulary is the source model's, so the
source's tokenizer keys describe them. Needs Python's `gguf` package (llama.cpp's install.sh installs it).
"""
import sys

import gguf


def copy_fields(reader, writer, skip):
    for field in reader.fields.values():
        if field.name.startswith('GGUF.') or field.name == gguf.Keys.General.ARCHITECTURE or field.name in skip:
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: add-tokenizer.py IN.gguf TOKENIZER_SOURCE.gguf OUT.gguf')
    src, tok, out = sys.argv[1:]
    reader, tokens = gguf.GGUFReader(src), gguf.GGUFReader(tok)
    arch = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(out, arch)
    present = set(reader.fields)
    copy_fields(reader, writer, skip=set())
    copy_fields(tokens, writer, skip={k for k in tokens.fields if not k.startswith('tokenizer.ggml.') or k in present})
    for t in reader.tensors:
        writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for t in reader.tensors:
        writer.write_tensor_data(t.data, tensor_endianess=reader.endianess)
    writer.close()


if __name__ == '__main__':
    main()
