using System;
using System.Globalization;
using System.Text;

namespace CowPages.Decoding;

/// <summary>
/// Parses one line of <c>/proc/PID/maps</c>: <c>start-end perms offset major:minor inode   path</c>.
/// The format is <c>show_map_vma()</c> in <c>fs/proc/task_mmu.c</c>. The path is everything after the
/// padding that follows the inode, so it may contain spaces; the kernel escapes only newlines (as <c>\012</c>).
/// </summary>
public static class MapsLineParser
{
    private const string DeletedSuffix = " (deleted)";

    /// <summary>Parses <paramref name="line"/> (without its newline).</summary>
    /// <exception cref="FormatException">The line is not a maps line; the message says which field.</exception>
    public static MemoryMapping Parse(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> rest = line;

        ulong start = HexField(ref rest, (byte)'-', "start address");
        ulong end = HexField(ref rest, (byte)' ', "end address");
        if (end < start)
        {
            throw new FormatException($"end address 0x{end:x} is below start address 0x{start:x}");
        }

        ReadOnlySpan<byte> perms = Field(ref rest, "permissions");
        if (perms.Length != 4)
        {
            throw new FormatException($"permissions '{Encoding.ASCII.GetString(perms)}' are not four characters");
        }
        ulong offset = HexField(ref rest, (byte)' ', "offset");
        ReadOnlySpan<byte> device = Field(ref rest, "device");
        if (device.IndexOf((byte)':') < 0)
        {
            throw new FormatException($"device '{Encoding.ASCII.GetString(device)}' is not major:minor");
        }
        ulong inode = DecimalField(ref rest, "inode");

        rest = rest.TrimStart((byte)' ');
        string? path = null;
        bool deleted = false;
        if (!rest.IsEmpty)
        {
            if (rest.EndsWith(Encoding.ASCII.GetBytes(DeletedSuffix)))
            {
                deleted = true;
                rest = rest[..^DeletedSuffix.Length];
            }
            path = Encoding.UTF8.GetString(rest);
        }

        return new MemoryMapping(start, end, Encoding.ASCII.GetString(perms), offset,
            Encoding.ASCII.GetString(device), inode, path, deleted);
    }

    private static ReadOnlySpan<byte> Field(ref ReadOnlySpan<byte> rest, string name)
    {
        int space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            throw new FormatException($"missing {name}");
        }
        ReadOnlySpan<byte> field = rest[..space];
        rest = rest[(space + 1)..];
        return field;
    }

    private static ulong HexField(ref ReadOnlySpan<byte> rest, byte terminator, string name)
    {
        int end = rest.IndexOf(terminator);
        if (end <= 0 || end > 16)
        {
            throw new FormatException($"missing or overlong {name}");
        }
        if (!ulong.TryParse(Encoding.ASCII.GetString(rest[..end]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new FormatException($"{name} '{Encoding.ASCII.GetString(rest[..end])}' is not hexadecimal");
        }
        rest = rest[(end + 1)..];
        return value;
    }

    private static ulong DecimalField(ref ReadOnlySpan<byte> rest, string name)
    {
        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> digits = end < 0 ? rest : rest[..end];
        if (digits.IsEmpty || !ulong.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new FormatException($"{name} '{Encoding.ASCII.GetString(digits)}' is not a decimal number");
        }
        rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 1)..];
        return value;
    }
}
