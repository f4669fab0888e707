"""torchvision.models' ResNet-18/34 and VGG-11/13/16/19 (with or without BatchNorm), built from the engine's nn with
torchvision's layer names, shapes, initialisation and repr, so that their state_dicts have torchvision's keys and
`print(model)` prints the same.

    model = models.resnet18()                  # weights=None: freshly initialised, as torchvision's
    model.fc = nn.Linear(512, 10)              # the tutorials' fine-tuning step

Pretrained weights are not available (the engine downloads nothing of torchvision's and reads no torch pickle):
any weights other than None raise NotImplementedError; load a state_dict saved by the engine instead.
"""

from enum import Enum

from ..nn import (AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, Module, ReLU, Sequential,
                  init)

__all__ = ["ResNet", "BasicBlock", "resnet18", "resnet34", "ResNet18_Weights", "ResNet34_Weights", "VGG", "vgg11",
           "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "VGG16_Weights",
           "VGG16_BN_Weights"]


# torchvision's names for pretrained weights; the engine has none of them (see the module docstring)
ResNet18_Weights = Enum("ResNet18_Weights", {"IMAGENET1K_V1": "IMAGENET1K_V1", "DEFAULT": "IMAGENET1K_V1"})
ResNet34_Weights = Enum("ResNet34_Weights", {"IMAGENET1K_V1": "IMAGENET1K_V1", "DEFAULT": "IMAGENET1K_V1"})
VGG16_Weights = Enum("VGG16_Weights", {"IMAGENET1K_V1": "IMAGENET1K_V1", "DEFAULT": "IMAGENET1K_V1"})
VGG16_BN_Weights = Enum("VGG16_BN_Weights", {"IMAGENET1K_V1": "IMAGENET1K_V1", "DEFAULT": "IMAGENET1K_V1"})


def _no_pretrained_weights(name, weights):
    if weights is not None:
        raise NotImplementedError(f"{name}(weights={weights}): pretrained weights are not available to the engine "
                                  f"(it downloads none of torchvision's); use weights=None and train, or "
                                  f"load_state_dict from a file the engine saved")


class BasicBlock(Module):
    """Two 3x3 conv-BN layers and a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = BatchNorm2d(planes)
        self.relu = ReLU(inplace=True)
        self.conv2 = Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)  # torchvision writes out += identity; the engine adds out of place


class ResNet(Module):
    """He et al.'s residual network for 224 x 224 ImageNet images: a 7x7 stem, four stages, average pool, fc."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.conv1 = Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = BatchNorm2d(64)
        self.relu = ReLU(inplace=True)
        self.maxpool = MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.fc = Linear(512 * block.expansion, num_classes)
        for module in self.modules():  # torchvision's initialisation
            if isinstance(module, Conv2d):
                init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, BatchNorm2d):
                init.constant_(module.weight, 1)
                init.constant_(module.bias, 0)
        if zero_init_residual:
            for module in self.modules():
                if isinstance(module, BasicBlock):
                    init.constant_(module.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:  # a 1x1 conv matches the shortcut's shape
            downsample = Sequential(Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                                    BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def resnet18(*, weights=None, progress=True, **kwargs):
    _no_pretrained_weights("resnet18", weights)
    return ResNet(BasicBlock, [2, 2, 2, 2], **kwargs)


def resnet34(*, weights=None, progress=True, **kwargs):
    _no_pretrained_weights("resnet34", weights)
    return ResNet(BasicBlock, [3, 4, 6, 3], **kwargs)


class VGG(Module):
    """Simonyan & Zisserman's network: `features` (3x3 convs and max pools), a 7x7 average pool, three Linear layers."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = AdaptiveAvgPool2d((7, 7))
        self.classifier = Sequential(Linear(512 * 7 * 7, 4096), ReLU(True), Dropout(p=dropout), Linear(4096, 4096),
                                     ReLU(True), Dropout(p=dropout), Linear(4096, num_classes))
        if init_weights:  # torchvision's initialisation
            for module in self.modules():
                if isinstance(module, Conv2d):
                    init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                    if module.bias is not None:
                        init.constant_(module.bias, 0)
                elif isinstance(module, BatchNorm2d):
                    init.constant_(module.weight, 1)
                    init.constant_(module.bias, 0)
                elif isinstance(module, Linear):
                    init.normal_(module.weight, 0, 0.01)
                    init.constant_(module.bias, 0)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


# the convolution widths of each VGG, "M" a 2x2 max pool (torchvision's configurations A, B, D, E)
_CONFIGURATIONS = {11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
                   13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
                   16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
                   19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512,
                        512, "M"]}


def _vgg_features(depth, batch_norm):
    layers, channels = [], 3
    for width in _CONFIGURATIONS[depth]:
        if width == "M":
            layers.append(MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(Conv2d(channels, width, kernel_size=3, padding=1))
        layers += [BatchNorm2d(width), ReLU(inplace=True)] if batch_norm else [ReLU(inplace=True)]
        channels = width
    return Sequential(*layers)


def _vgg(depth, batch_norm):
    name = f"vgg{depth}" + ("_bn" if batch_norm else "")

    def build(*, weights=None, progress=True, **kwargs):
        _no_pretrained_weights(name, weights)
        return VGG(_vgg_features(depth, batch_norm), **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"VGG-{depth}{' with BatchNorm after each convolution' if batch_norm else ''}, as torchvision's."
    return build


vgg11, vgg11_bn, vgg13, vgg13_bn = _vgg(11, False), _vgg(11, True), _vgg(13, False), _vgg(13, True)
vgg16, vgg16_bn, vgg19, vgg19_bn = _vgg(16, False), _vgg(16, True), _vgg(19, False), _vgg(19, True)
