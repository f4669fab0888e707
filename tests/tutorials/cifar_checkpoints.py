# A CIFAR-10 convolutional net with BatchNorm and Dropout, trained with Adam and ReduceLROnPlateau, logged with
# SummaryWriter, checkpointed as a dict each epoch and resumed from it, as the CIFAR tutorials write it.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms
from torch.optim.lr_scheduler import ReduceLROnPlateau
from torch.utils.tensorboard import SummaryWriter


class SmallCIFAR10(torchvision.datasets.CIFAR10):
    """CIFAR10 over small files in the same format (their own md5s), as user code subclasses it."""
    train_list = [[f"data_batch_{k}", CIFAR_MD5[f"data_batch_{k}"]] for k in range(1, 6)]
    test_list = [["test_batch", CIFAR_MD5["test_batch"]]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": CIFAR_MD5["batches.meta"]}


transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
trainset = SmallCIFAR10(root=DATA_ROOT, train=True, download=False, transform=transform)
testset = SmallCIFAR10(root=DATA_ROOT, train=False, download=False, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=16, shuffle=False)
testloader = torch.utils.data.DataLoader(testset, batch_size=32, shuffle=False)
classes = trainset.classes


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(16 * 8 * 8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(32, len(classes)),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def evaluate(net):
    net.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            total_loss += F.cross_entropy(outputs, labels, reduction="sum").item()
            correct += (outputs.argmax(dim=1) == labels).sum().item()
    return total_loss / len(testset), correct / len(testset)


net = Net()
net.load_state_dict(initial_state(net, torch))
RESULTS["initial_eval"] = evaluate(net)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(net.parameters(), lr=1e-3)
scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
writer = SummaryWriter(LOG_DIR)

for epoch in range(EPOCHS):
    net.train()
    running = 0.0
    for images, labels in trainloader:
        optimizer.zero_grad()
        loss = criterion(net(images), labels)
        loss.backward()
        optimizer.step()
        running += loss.item()
    train_loss = running / len(trainloader)
    val_loss, val_accuracy = evaluate(net)
    scheduler.step(val_loss)
    writer.add_scalar("Loss/train", train_loss, epoch)
    writer.add_scalar("Loss/val", val_loss, epoch)
    writer.add_scalar("Accuracy/val", val_accuracy, epoch)
    RESULTS.setdefault("train_losses", []).append(train_loss)
    RESULTS.setdefault("lrs", []).append(optimizer.param_groups[0]["lr"])
    torch.save({"epoch": epoch, "model_state_dict": net.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
                "scheduler_state_dict": scheduler.state_dict(), "loss": val_loss}, CHECKPOINT)
writer.close()
RESULTS["final_eval"] = evaluate(net)

checkpoint = torch.load(CHECKPOINT, weights_only=True)
resumed = Net()
resumed_optimizer = optim.Adam(resumed.parameters(), lr=1e-3)
resumed.load_state_dict(checkpoint["model_state_dict"])
resumed_optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
RESULTS["resumed_epoch"], RESULTS["resumed_loss"] = checkpoint["epoch"], checkpoint["loss"]
RESULTS["resumed_eval"] = evaluate(resumed)
RESULTS["resumed_lr"] = resumed_optimizer.param_groups[0]["lr"]
