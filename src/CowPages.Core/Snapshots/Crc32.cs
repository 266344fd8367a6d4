using System;

namespace CowPages.Snapshots;

/// <summary>
/// CRC-32 as zlib, PNG and gzip compute it (reflected polynomial 0xEDB88320, initial and final value 0xFFFFFFFF), so that
/// a snapshot's checksum can be checked with any tool. Table-driven, eight bytes a step: System.IO.Hashing is not part
/// of the base library, and a snapshot is a few megabytes, which this checks in milliseconds.
/// </summary>
internal sealed class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    private uint _state = 0xFFFFFFFF;

    /// <summary>The CRC of everything appended so far.</summary>
    public uint Value => ~_state;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(data);
        return crc.Value;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        uint crc = _state;
        while (data.Length >= 8)
        {
            uint low = crc ^ (uint)(data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24);
            crc = table[7 * 256 + (low & 0xFF)] ^ table[6 * 256 + ((low >> 8) & 0xFF)]
                ^ table[5 * 256 + ((low >> 16) & 0xFF)] ^ table[4 * 256 + (low >> 24)]
                ^ table[3 * 256 + data[4]] ^ table[2 * 256 + data[5]]
                ^ table[1 * 256 + data[6]] ^ table[data[7]];
            data = data[8..];
        }
        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        _state = crc;
    }

    /// <summary>Slicing-by-8: table k gives the CRC of a byte followed by k zero bytes.</summary>
    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[(k - 1) * 256 + i];
                table[k * 256 + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }
        return table;
    }
}
