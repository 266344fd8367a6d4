using System;
using System.Buffers.Binary;

namespace CowPages.Snapshots;

/// <summary>
/// A growable byte buffer with the format's encodings: LEB128 varints (7 bits a byte, low first), zigzag for signed
/// values, length-prefixed byte strings and fixed little-endian words. The writer fills one per record and hands it to
/// the compressor whole.
/// </summary>
internal sealed class SnapshotBuffer
{
    private byte[] _bytes;

    public SnapshotBuffer(int capacity = 4096) => _bytes = new byte[Math.Max(16, capacity)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _bytes[Length++] = value;
    }

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        byte[] bytes = _bytes;
        int at = Length;
        while (value >= 0x80)
        {
            bytes[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        bytes[at++] = (byte)value;
        Length = at;
    }

    /// <summary>Small magnitudes of either sign in few bytes: 0, -1, 1, -2 ... become 0, 1, 2, 3 ...</summary>
    public void WriteSigned(long value) => WriteVarint(Zigzag(value));

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(Length), value);
        Length += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    public void WriteString(string value) => WriteBytes(System.Text.Encoding.UTF8.GetBytes(value));

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public static ulong Zigzag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long Unzigzag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(Length + more, _bytes.Length * 2));
        }
    }
}
