using System;
using System.Buffers.Binary;
using System.IO;

namespace CowPages.Snapshots;

/// <summary>
/// Reads the decompressed body of a snapshot with the encodings of <see cref="SnapshotBuffer"/>. It never reads past
/// the body length the trailer declared, and every value it returns is checked against the bounds its caller gives,
/// so that a damaged file ends in a <see cref="SnapshotFormatException"/> saying what is wrong and where, never in an
/// overflow, a huge allocation or a wrong number.
/// </summary>
internal sealed class SnapshotBodyReader
{
    /// <summary>Byte strings longer than this grow as their bytes arrive instead of being allocated up front.</summary>
    private const int TrustedLength = 1 << 20;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _next;
    private int _end;
    private long _consumed;

    public SnapshotBodyReader(Stream stream, long length)
    {
        _stream = stream;
        Length = length;
    }

    /// <summary>The body length the trailer declared.</summary>
    public long Length { get; }

    /// <summary>The offset in the body of the next byte.</summary>
    public long Position => _consumed - (_end - _next);

    public long Remaining => Length - Position;

    public byte ReadByte()
    {
        if (_next == _end)
        {
            Fill();
        }
        return _buffer[_next++];
    }

    public ulong ReadVarint(string what)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63 && b > 1)
            {
                throw Fail($"{what} overflows 64 bits");
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Fail($"{what} overflows 64 bits");
    }

    /// <summary>A varint that must not exceed <paramref name="max"/>.</summary>
    public ulong ReadVarint(string what, ulong max)
    {
        ulong value = ReadVarint(what);
        return value <= max ? value : throw Fail($"{what} is {value}, more than {max}");
    }

    public long ReadSigned(string what) => SnapshotBuffer.Unzigzag(ReadVarint(what));

    public ulong ReadUInt64()
    {
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = ReadByte();
        }
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A length-prefixed byte string, at most <paramref name="maxLength"/> bytes and never past the body's end.</summary>
    public byte[] ReadBytes(string what, long maxLength = int.MaxValue)
    {
        ulong length = ReadVarint($"the length of {what}");
        if (length > (ulong)Math.Min(Math.Min(maxLength, Remaining), Array.MaxLength))
        {
            throw Fail($"{what} is {length} bytes long, more than the {Math.Min(maxLength, Remaining)} that can follow");
        }
        int total = (int)length;
        byte[] bytes = new byte[Math.Min(total, TrustedLength)];
        int done = 0;
        while (done < total)
        {
            if (done == bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Min(total, (long)bytes.Length * 2));
            }
            if (_next == _end)
            {
                Fill();
            }
            int n = Math.Min(bytes.Length - done, _end - _next);
            _buffer.AsSpan(_next, n).CopyTo(bytes.AsSpan(done));
            _next += n;
            done += n;
        }
        return bytes;
    }

    public string ReadString(string what, int maxLength) => System.Text.Encoding.UTF8.GetString(ReadBytes(what, maxLength));

    /// <summary>Checks that the body ends exactly here, as its declared length says.</summary>
    public void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw Fail($"{Remaining} bytes follow the last section");
        }
        if (_stream.Read(_buffer, 0, 1) != 0)
        {
            throw Fail("the compressed data holds more than the declared body length");
        }
    }

    public SnapshotFormatException Fail(string detail) => new($"{detail} (at byte {Position} of the decompressed body)");

    private void Fill()
    {
        long left = Length - _consumed;
        if (left <= 0)
        {
            throw Fail("the body ends in the middle of a record");
        }
        int want = (int)Math.Min(_buffer.Length, left);
        int got = _stream.Read(_buffer, 0, want);
        if (got <= 0)
        {
            throw new SnapshotFormatException(
                $"the compressed data ends after {_consumed} of the {Length} bytes the trailer declares");
        }
        _next = 0;
        _end = got;
        _consumed += got;
    }
}
