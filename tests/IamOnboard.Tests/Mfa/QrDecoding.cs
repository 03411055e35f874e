using System.Collections.Generic;
using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace IamOnboard.Tests.Mfa;

/// <summary>
/// Reads a QR code with ZXing, an implementation independent of the one that drew it. A rendered code is read as a
/// pure barcode first (upright, quiet zone, nothing else in the image): ZXing's finder-pattern search, made for photos,
/// misses about one valid code in 400 whose data happens to look like a finder pattern (seen with a random MFA seed).
/// </summary>
internal static class QrDecoding
{
    public static string? DecodePng(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        return DecodeRgba(image.Data, image.Width, image.Height);
    }

    public static string? DecodeRgba(byte[] rgba, int width, int height)
    {
        var source = new RGBLuminanceSource(rgba, width, height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var pure = new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true };
        var searched = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), pure)?.Text
            ?? new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), searched)?.Text;
    }
}
